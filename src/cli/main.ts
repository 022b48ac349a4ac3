#!/usr/bin/env node
import { Command } from 'commander';
import { runRdbCheck } from './rdb-check-command.js';
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

const rdb = program.command('rdb').description('RDB file tools');
rdb
  .command('check')
  .description('check an RDB file like redis-check-rdb: OK with counts, or where it breaks (offset, key, reason); exit 1 on failure')
  .argument('<file>', 'the RDB file')
  .action((file: string) => {
    process.exitCode = runRdbCheck(file);
  });

await program.parseAsync(process.argv);
