/**
 * `npm run sim -- [--seeds N] [--from S] [--seed S] [--scenario NAME] [--verbose]`: runs every
 * scenario (or one) over a sweep of seeds, or one seed verbosely. A failure prints the command
 * that reproduces it; the exit code is 1 when any run failed.
 */
import { runScenario, SCENARIOS } from './scenarios.js';

interface Args {
  seeds: number;
  from: number;
  seed: number | null;
  scenario: string | null;
  verbose: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seeds: 100, from: 1, seed: null, scenario: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--seeds') args.seeds = Number(value());
    else if (flag === '--from') args.from = Number(value());
    else if (flag === '--seed') args.seed = Number(value());
    else if (flag === '--scenario') args.scenario = value();
    else if (flag === '--verbose') args.verbose = true;
    else throw new Error(`unknown argument ${flag}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const scenarios = SCENARIOS.filter((s) => args.scenario === null || s.name === args.scenario);
if (scenarios.length === 0) {
  console.error(`unknown scenario ${args.scenario}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const seeds = args.seed !== null ? [args.seed] : Array.from({ length: args.seeds }, (_, i) => args.from + i);
const verbose = args.verbose || args.seed !== null;
let failures = 0;
const startedAt = process.hrtime.bigint();
for (const scenario of scenarios) {
  let passed = 0;
  for (const seed of seeds) {
    const result = runScenario(scenario, seed, verbose && args.verbose);
    if (result.ok) passed++;
    else {
      failures++;
      console.log(`FAIL ${scenario.name} seed ${seed}: ${result.problem}`);
      console.log(`  plan: ${JSON.stringify(result.plan)}`);
      console.log(`  rerun: npm run sim -- --scenario ${scenario.name} --seed ${seed} --verbose`);
      if (args.seed !== null) for (const line of result.log.slice(-60)) console.log(`  ${line}`);
    }
    if (args.seed !== null) {
      console.log(`${scenario.name} seed ${seed}: ${result.ok ? 'ok' : 'FAILED'}, ${result.simulatedMs} ms simulated, ${result.steps} steps, ${result.messages} messages`);
    }
  }
  console.log(`${scenario.name}: ${passed}/${seeds.length} seeds passed — ${scenario.description}`);
}
const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
console.log(`${failures === 0 ? 'all passed' : `${failures} failed`} in ${(elapsedMs / 1000).toFixed(1)} s`);
process.exit(failures === 0 ? 0 : 1);
