{
  "targets": [
    {
      "target_name": "tessera_strings",
      "sources": ["external-strings.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    }
  ]
}
