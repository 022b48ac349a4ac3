#!/usr/bin/env node
import { Command } from 'commander';
import { TESSERA_VERSION, runServer } from './run-server.js';

const program = new Command();
program.name('tessera').description('A Redis-Cluster-compatible, sharded, replicated in-memory data store').version(TESSERA_VERSION);

program
  .command('server')
  .description('run one node; accepts redis-server\'s config file and --directive value flags')
  .argument('[args...]', '[config-file] [--port 7000 --bind 127.0.0.1 ...]')
  .allowUnknownOption()
  .helpOption(false)
  .action(async (args: string[]) => {
    await runServer(args);
  });

await program.parseAsync(process.argv);
