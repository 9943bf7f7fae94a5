// Several nodes, many new people at once: PEOPLE sign up, verify their address and sign in (password and
// emailed code), CONCURRENCY at a time, person i on node i mod NODES (each node's development inbox holds its
// mail). Every step must succeed: a failed one is listed with its answer, then the servers' error-level log
// lines. The reproduction of session 9's two-node sign-up 500 (docs/BENCHMARKS.md "Figure 3"): before 4f21522,
// 9 of 96 failed with "ABORTED: Transaction lock timeout".
//   . ../infra/env.sh && npx turbo run build && cd bench && node signup-rush.mjs   # PEOPLE=96 CONCURRENCY=32 NODES=2
import { printServerErrors, startCluster } from './support/cluster.mjs';
import { BULK_LIMITS, Mailbox, pool, signUp } from './support/people.mjs';

const env = (name, dflt) => Number(process.env[name] ?? dflt);
const PEOPLE = env('PEOPLE', 96);
const CONCURRENCY = env('CONCURRENCY', 32);
const NODES = env('NODES', 2);

const cluster = await startCluster('rush', NODES, { ...BULK_LIMITS }, { shared: true });
const { nodes } = cluster;
const inboxes = nodes.map((n) => new Mailbox(n.url));
const failures = [];
const t = performance.now();
await pool(
  Array.from({ length: PEOPLE }, (_, i) => i),
  CONCURRENCY,
  async (i) => {
    const k = i % nodes.length;
    try {
      await signUp(nodes[k].url, inboxes[k], `rush${i}@bench.example`, `Rush ${i}`);
    } catch (err) {
      failures.push(`person ${i} on ${nodes[k].id}: ${err.message}`);
    }
  },
);
const seconds = (performance.now() - t) / 1000;
console.log(
  JSON.stringify({
    nodes: NODES,
    people: PEOPLE,
    concurrency: CONCURRENCY,
    seconds,
    failed: failures.length,
  }),
);
console.log(`${PEOPLE - failures.length} of ${PEOPLE} people signed up and in, in ${seconds.toFixed(1)} s`);
for (const f of failures.slice(0, 20)) console.log(f);
if (failures.length) printServerErrors(nodes);
await cluster.stop();
process.exit(failures.length ? 1 : 0);
