#!/usr/bin/env node
import { runServer } from './run-server.js';

// `tessera-server` is `tessera server`: the same flags and config file as redis-server.
await runServer(process.argv.slice(2));
