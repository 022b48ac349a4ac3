/**
 * CLUSTER subcommands, differential: the same script runs against two redis-server 7.0 cluster
 * nodes and two Tessera cluster nodes (A is asked, B is its peer), in RESP2 and RESP3. Replies are
 * compared as typed trees after replacing what must differ: node ids and ports by names, ping/pong
 * times and link creation times by placeholders, message counters out of CLUSTER INFO. Node
 * order is Redis's dict order there and insertion order here, so multi-node lists are sorted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { clusterView, nodeCommand, startClusterNode, waitFor, type ClusterNodeKind, type ClusterNodeProcess } from '../support/cluster-processes.js';

interface Pair {
  readonly kind: ClusterNodeKind;
  readonly a: ClusterNodeProcess;
  readonly b: ClusterNodeProcess;
}

const pairs = new Map<ClusterNodeKind, Pair>();

before(async () => {
  for (const kind of ['redis', 'tessera'] as const) {
    const [a, b] = await Promise.all([startClusterNode(kind), startClusterNode(kind)]);
    pairs.set(kind, { kind, a: a!, b: b! });
  }
});

after(async () => {
  await Promise.all([...pairs.values()].flatMap((pair) => [pair.a.destroy(), pair.b.destroy()]));
});

/** Commands whose multi-node replies come in dict order in Redis: compared sorted. */
const SORTED = new Set(['nodes', 'shards', 'links']);

class Transcript {
  readonly lines: string[] = [];
  readonly #names = new Map<string, string>();

  constructor(
    readonly pair: Pair,
    readonly resp2: RawClient,
    readonly resp3: RawClient,
  ) {}

  name(value: string, as: string): void {
    this.#names.set(value, as);
  }

  async run(...args: string[]): Promise<void> {
    for (const [client, protocol] of [
      [this.resp2, 2],
      [this.resp3, 3],
    ] as const) {
      const reply = await client.call(...args);
      this.lines.push(`RESP${protocol} ${this.#replaceNames(args.join(' '))} -> ${this.#normalize(args, JSON.stringify(replyToPlain(reply, { keepNullMarker: true })))}`);
    }
  }

  #replaceNames(text: string): string {
    // Longest first: a port may be a prefix of another number.
    const names = [...this.#names.entries()].sort((x, y) => y[0].length - x[0].length);
    for (const [value, as] of names) text = text.split(value).join(as);
    return text;
  }

  #normalize(args: string[], json: string): string {
    let text = this.#replaceNames(json);
    const sub = (args[1] ?? '').toLowerCase();
    if (sub === 'nodes' || sub === 'replicas' || sub === 'slaves') {
      text = text.replace(/((?:^|\\n|")[0-9a-zA-Z<>]+ \S* [a-z,?]+ \S+) \d+ \d+ /g, '$1 <ping> <pong> ');
      if (SORTED.has(sub)) {
        const parsed = JSON.parse(text) as { verbatim?: string; bulk?: string };
        const body = parsed.verbatim ?? parsed.bulk ?? '';
        text = JSON.stringify({ ...parsed, [parsed.verbatim !== undefined ? 'verbatim' : 'bulk']: body.split('\n').sort().join('\n') });
      }
    }
    if (sub === 'info') text = text.replace(/cluster_stats_messages_[a-z_-]+:\d+\\r\\n/g, '');
    if (sub === 'links') {
      // Creation times differ; buffer use is a moment's state (a PING may sit queued): shapes only.
      text = text
        .replace(/("create-time"\},\{"integer":)"\d+"/g, '$1"<t>"')
        .replace(/("send-buffer-(?:allocated|used)"\},\{"integer":)"\d+"/g, '$1"<n>"')
        .replace(/("events"\},\{"bulk":)"rw?"/g, '$1"r or rw"');
    }
    if (sub === 'shards' || sub === 'links') {
      const parsed = JSON.parse(text) as { array?: unknown[] };
      if (parsed.array !== undefined) text = JSON.stringify({ array: parsed.array.map((item) => JSON.stringify(item)).sort() });
    }
    return text;
  }
}

async function transcriptFor(pair: Pair): Promise<string[]> {
  const resp2 = await RawClient.connect(pair.a.port);
  const resp3 = await RawClient.connect(pair.a.port);
  try {
    await resp3.call('HELLO', '3');
    const t = new Transcript(pair, resp2, resp3);
    const idA = await nodeCommand(pair.a, 'CLUSTER', 'MYID');
    const idB = await nodeCommand(pair.b, 'CLUSTER', 'MYID');
    t.name(idA, '<A>');
    t.name(idB, '<B>');
    t.name(String(pair.a.busPort), '<A-bus>');
    t.name(String(pair.b.busPort), '<B-bus>');
    t.name(String(pair.a.port), '<A-port>');
    t.name(String(pair.b.port), '<B-port>');

    // A fresh node, alone, past Redis's 2 s writable delay (before it, cluster_size still says 1).
    await waitFor(
      async () => ((await nodeCommand(pair.a, 'CLUSTER', 'INFO')).includes('cluster_size:0') ? true : undefined),
      10_000,
      () => `${pair.kind}: cluster_size does not settle at 0`,
    );
    for (const sub of ['INFO', 'NODES', 'MYID', 'SLOTS', 'SHARDS', 'LINKS']) await t.run('CLUSTER', sub);
    await t.run('CLUSTER', 'ADDSLOTS', '0', '1', '2', '5000');
    for (const args of [['0'], ['16384'], ['abc'], ['-1'], ['5', '5'], ['7', '8', 'x']]) await t.run('CLUSTER', 'ADDSLOTS', ...args);
    await t.run('CLUSTER', 'ADDSLOTSRANGE', '10', '20', '100', '200');
    for (const args of [['5', '3'], ['1'], ['1', '2', '3'], ['300', '400', '150', '160']]) await t.run('CLUSTER', 'ADDSLOTSRANGE', ...args);
    for (const args of [['5000'], ['5000'], ['0', '0'], ['99999']]) await t.run('CLUSTER', 'DELSLOTS', ...args);
    for (const args of [['10', '20'], ['10', '20'], ['30', '20']]) await t.run('CLUSTER', 'DELSLOTSRANGE', ...args);
    for (const sub of ['NODES', 'SLOTS', 'SHARDS', 'INFO']) await t.run('CLUSTER', sub);
    for (const sub of ['COUNT-FAILURE-REPORTS', 'FORGET', 'REPLICAS', 'SLAVES', 'REPLICATE']) {
      await t.run('CLUSTER', sub, idA);
      await t.run('CLUSTER', sub, 'abc');
      await t.run('CLUSTER', sub, 'f'.repeat(40));
    }
    for (const epoch of ['-1', 'abc']) await t.run('CLUSTER', 'SET-CONFIG-EPOCH', epoch);
    await t.run('CLUSTER', 'BUMPEPOCH');
    await t.run('CLUSTER', 'BUMPEPOCH');
    await t.run('CLUSTER', 'SET-CONFIG-EPOCH', '5');
    await t.run('CLUSTER', 'SAVECONFIG');
    for (const args of [['127.0.0.1', 'abc'], ['127.0.0.1', '1000', 'x'], ['nohost', '1000'], ['127.0.0.1', '70000'], ['127.0.0.1', '0'], ['127.0.0.1', '1', '2', '3']]) {
      await t.run('CLUSTER', 'MEET', ...args);
    }
    for (const args of [
      ['0', 'node', 'abc'],
      ['0', 'importing', 'abc'],
      ['0', 'migrating', 'abc'],
      ['0', 'stable'],
      ['0', 'foo'],
      ['0', 'node'],
      ['99999', 'stable'],
      ['x', 'stable'],
      ['1', 'migrating', idA],
      ['400', 'importing', idA],
      ['400', 'migrating', idA],
      ['2', 'MIGRATING', idA],
      ['2', 'stable'],
    ]) {
      await t.run('CLUSTER', 'SETSLOT', ...args);
    }
    await t.run('CLUSTER', 'NODES');
    for (const args of [['foo'], ['soft', 'hard']]) await t.run('CLUSTER', 'RESET', ...args);
    await t.run('CLUSTER', 'foo');
    await t.run('CLUSTER', 'HELP');
    await t.run('CLUSTER', 'FLUSHSLOTS');
    await t.run('CLUSTER', 'NODES');

    // With a peer: B meets A, owns two slots; A sees it.
    assert.equal(await nodeCommand(pair.b, 'CLUSTER', 'ADDSLOTS', '100', '101'), 'OK');
    assert.equal(await nodeCommand(pair.b, 'CLUSTER', 'MEET', '127.0.0.1', String(pair.a.port), String(pair.a.busPort)), 'OK');
    await waitFor(
      async () => {
        const view = await clusterView(pair.a);
        const infoA = await nodeCommand(pair.a, 'CLUSTER', 'NODES');
        const links = await nodeCommand(pair.a, 'CLUSTER', 'LINKS');
        const ready = view.length === 2 && view.some((line) => line.startsWith(idB) && line.endsWith('100-101')) && !infoA.includes('handshake') && !infoA.includes('disconnected');
        return ready && links.split('\n').filter((l) => l === 'direction').length === 2 ? true : undefined;
      },
      10_000,
      async () => `${pair.kind}: A does not see B\n${await nodeCommand(pair.a, 'CLUSTER', 'NODES')}`,
    );
    for (const sub of ['NODES', 'SLOTS', 'SHARDS', 'LINKS']) await t.run('CLUSTER', sub);
    await t.run('CLUSTER', 'SET-CONFIG-EPOCH', '3');
    await t.run('CLUSTER', 'ADDSLOTS', '100');
    await t.run('CLUSTER', 'DELSLOTS', '100');
    await t.run('CLUSTER', 'REPLICAS', idB);
    await t.run('CLUSTER', 'COUNT-FAILURE-REPORTS', idB);
    for (const args of [
      ['100', 'importing', idB],
      ['100', 'migrating', idB],
    ]) {
      await t.run('CLUSTER', 'SETSLOT', ...args);
    }
    await t.run('CLUSTER', 'NODES');
    await t.run('CLUSTER', 'SETSLOT', '100', 'stable');

    // Keys on a master: RESET, FLUSHSLOTS and SETSLOT NODE refuse; once empty, RESET HARD works.
    await t.run('CLUSTER', 'ADDSLOTSRANGE', '0', '99');
    await t.run('CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
    await waitFor(
      async () => ((await nodeCommand(pair.a, 'SET', 'k126', '1')) === 'OK' ? true : undefined),
      10_000,
      async () => `${pair.kind}: the node does not serve slot 58: ${await nodeCommand(pair.a, 'CLUSTER', 'INFO')}`,
    );
    // Endpoints: MOVED, SLOTS and SHARDS follow cluster-preferred-endpoint-type, with and without
    // a hostname (k9529 is in slot 101, B's).
    const endpointViews = async () => {
      for (const args of [['GET', 'k9529'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS']]) await t.run(...args);
    };
    await endpointViews();
    for (const type of ['unknown-endpoint', 'hostname']) {
      await t.run('CONFIG', 'SET', 'cluster-preferred-endpoint-type', type);
      await endpointViews();
    }
    assert.equal(await nodeCommand(pair.b, 'CONFIG', 'SET', 'cluster-announce-hostname', 'b.example'), 'OK');
    await waitFor(
      async () => ((await nodeCommand(pair.a, 'CLUSTER', 'NODES')).includes(',b.example') ? true : undefined),
      10_000,
      async () => `${pair.kind}: A does not learn B's hostname\n${await nodeCommand(pair.a, 'CLUSTER', 'NODES')}`,
    );
    await endpointViews();
    await t.run('CLUSTER', 'NODES');
    await t.run('CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'ip');
    await endpointViews();
    await t.run('CLUSTER', 'COUNTKEYSINSLOT', '58');
    await t.run('CLUSTER', 'RESET');
    await t.run('CLUSTER', 'FLUSHSLOTS');
    await t.run('CLUSTER', 'SETSLOT', '58', 'node', idB);
    await t.run('FLUSHALL');
    await t.run('CLUSTER', 'SETSLOT', '58', 'node', idB);
    await t.run('CLUSTER', 'RESET', 'HARD');
    t.name(await nodeCommand(pair.a, 'CLUSTER', 'MYID'), '<A-after-reset>');
    for (const sub of ['NODES', 'INFO', 'SLOTS', 'LINKS']) await t.run('CLUSTER', sub);
    return t.lines;
  } finally {
    resp2.close();
    resp3.close();
  }
}

test('CLUSTER subcommands reply like redis-server 7.0, in RESP2 and RESP3', async () => {
  const expected = await transcriptFor(pairs.get('redis')!);
  const actual = await transcriptFor(pairs.get('tessera')!);
  // CLUSTER_TRANSCRIPT=1 prints what was compared.
  if (process.env['CLUSTER_TRANSCRIPT'] === '1') console.log(expected.join('\n'));
  const differences: string[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (expected[i] !== actual[i]) differences.push(`redis:   ${expected[i]}\ntessera: ${actual[i]}`);
  }
  assert.equal(differences.length, 0, `${differences.length} replies differ:\n${differences.join('\n\n')}`);
});
