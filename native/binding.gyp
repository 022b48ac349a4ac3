{
  "targets": [
    {
      "target_name": "tessera_strings",
      "sources": ["external-strings.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    },
    {
      "target_name": "tessera_io",
      "sources": ["socket-io.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    }
  ]
}
