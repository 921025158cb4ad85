/**
 * Spec of the linearizability method: checking recorded histories against sequential models
 * (Wing–Gong search with Lowe's memo and P-compositionality), the first half of DS2.
 */
import type { MethodSpec } from '../harness/spec';

export const linearizabilitySpec: MethodSpec = {
  id: 'linearizability',
  title: 'Linearizability checking of histories against sequential models (DS2)',
  citation:
    'M. S. Al-Mahfoudh, R. Stutsman, G. Gopalakrishnan. Efficient Linearizability Checking for Actor-based Systems. ' +
    'Software: Practice and Experience, 2023. doi:10.1002/spe.3251, arXiv:2110.06407. ' +
    'Checker after J. Wing, C. Gong (1993), G. Lowe (2017) and A. Horn, D. Kroening (2015).',

  claims: [
    {
      id: 'linearizability/known-verdicts',
      statement: 'Wing–Gong search with memoized configurations decides the recorded Jepsen etcd and key-value histories with their known verdicts.',
      source: 'Porcupine test data with its expected verdicts; Horn and Kroening, FORTE 2015, Jepsen etcd benchmark',
    },
    {
      id: 'linearizability/faster-than-porcupine',
      statement: 'Checking the 70 etcd logs plus c01-ok, c01-bad, c10-ok and c10-bad takes no longer in total than Porcupine, the fastest public checker, on the same machine.',
      source: 'Suite requirement; Porcupine (Athalye) benchmark on the same files',
    },
    {
      id: 'linearizability/p-compositionality',
      statement: 'Checking a key-value history per key (P-compositionality) is at least ten times faster than checking it as one object, with the same verdict.',
      source: 'Horn and Kroening, FORTE 2015, section on P-compositionality; Porcupine key-value benchmarks',
    },
    {
      id: 'linearizability/liviola-reduces-register',
      statement: 'On the correct distributed register with 2 reads and 1 write, LiViola covers its whole reduced schedule space in at least ten times fewer schedules than exhaustive search (DS2: 88 against 4,200).',
      source: 'Al-Mahfoudh et al. 2023, result tables (DS2 repository, final.results.micro.2021.org, DR 2R+1W)',
    },
    {
      id: 'linearizability/ired-finds-register-bug',
      statement: 'On the erroneous register with 2 reads and 1 write, IRed and LiViola cover their whole reduced space, bug included, in fewer schedules than exhaustive search (DS2: 14 against 252).',
      source: 'Al-Mahfoudh et al. 2023, result tables (EDR 2R+1W)',
    },
    {
      id: 'linearizability/liviola-finds-chord-bug',
      statement: 'On the Chord ring with 2 reads and 1 write, LiViola covers its space, bug included, in at least ten times fewer schedules than exhaustive search (DS2: 21 against 18,396).',
      source: 'Al-Mahfoudh et al. 2023, result tables (OpenChord 2R+1W)',
    },
    {
      id: 'linearizability/no-false-alarms',
      statement: 'No explorer reports a violation on the correct systems (fixed-leader register, majority register, Paxos).',
      source: 'Al-Mahfoudh et al. 2023, result tables (DR, DR2, Paxos rows: no bugs)',
    },
    {
      id: 'linearizability/random-walk-rarely-finds',
      statement: 'A random walk over schedules rarely finds the injected bugs (DS2: one bug in all its random runs of 100,000 schedules).',
      source: 'Al-Mahfoudh et al. 2023, result tables (SR rows)',
    },
    {
      id: 'linearizability/bounded-budget',
      statement: 'A 50-client key-value history is decided, or returns unknown, within its time and memory budget instead of exhausting the machine.',
      source: 'Porcupine issues 3 and 6 (checker out of memory), Elasticsearch issue 101357',
    },
  ],

  invariants: [
    {
      id: 'linearizability/agrees-with-brute-force',
      statement: 'On generated histories of up to 8 operations, with and without corrupted outputs, the checker returns the verdict of a brute-force search over every order.',
      kind: 'exact',
      negativeControls: ['ignores real-time order', 'treats pending operations as absent', "drops the state from the memo's key"],
    },
    {
      id: 'linearizability/partition-equivalence',
      statement: 'Checking the per-key partitions of a key-value history separately gives the same verdict as checking the whole history as one object.',
      kind: 'exact',
      negativeControls: ["partition that splits one key's operations"],
    },
    {
      id: 'linearizability/relabel-invariance',
      statement: 'Renaming clients and relabelling operation ids does not change the verdict.',
      kind: 'exact',
      negativeControls: ['orders operations by id instead of time'],
    },
    {
      id: 'linearizability/prefix-closed',
      statement: 'Every prefix of a linearizable history, with the operations it cuts left pending, is linearizable.',
      kind: 'exact',
      negativeControls: ['treats pending operations as absent'],
    },
    {
      id: 'linearizability/unknown-outcome-relaxes',
      statement: 'Turning a completed operation into one with unknown outcome never makes a linearizable history illegal.',
      kind: 'exact',
      negativeControls: ['treats operations with unknown outcome as absent'],
    },
    {
      id: 'linearizability/evidence-valid',
      statement: 'A linearizable verdict comes with a linearization an independent verifier accepts; an illegal one with a legal partial linearization and a blocked operation outside it.',
      kind: 'exact',
      negativeControls: ['ignores real-time order'],
    },
    {
      id: 'linearizability/xstate-model-agrees',
      statement: 'The compare-and-set register written as an XState machine and the plain model allow the same steps and give the same verdict on every generated history.',
      kind: 'exact',
      negativeControls: ['machine whose failed cas still writes'],
    },
    {
      id: 'linearizability/recorded-verdicts',
      statement: 'Every recorded history in the data folder gets the verdict listed in its EXPECTED.txt.',
      kind: 'exact',
      negativeControls: ['ignores real-time order', 'treats pending operations as absent'],
    },
    {
      id: 'linearizability/budget-yields-unknown',
      statement: 'A check whose time or memory budget runs out returns unknown, never a verdict.',
      kind: 'exact',
      negativeControls: ['reports a pass when the budget runs out'],
    },
    {
      id: 'linearizability/parse-roundtrip',
      statement: 'A history written in the Jepsen, Porcupine key-value or JSON format parses back to the same operations and verdict.',
      kind: 'exact',
      negativeControls: ['parser that reads :info as :fail'],
    },
    {
      id: 'linearizability/malformed-input-rejected',
      statement: 'Truncated lines, completions without an invocation, unknown operations and empty files raise a named error with the right line.',
      kind: 'exact',
      negativeControls: ['parser that skips unreadable lines'],
    },
    {
      id: 'linearizability/replay-reproduces',
      statement: "Replaying a schedule's token reproduces the same history, byte for byte, under every network mode, invocation mode and fault budget.",
      kind: 'exact',
      negativeControls: ['replay that runs on to quiescence after the last step'],
    },
    {
      id: 'linearizability/dpor-covers-histories',
      statement: 'On small systems, DPOR with sleep sets reaches exactly the set of distinct histories that exhaustive depth-first search reaches.',
      kind: 'model-checked',
      negativeControls: ['DPOR whose dependency ignores the history log'],
    },
    {
      id: 'linearizability/dfs-finds-injected-bugs',
      statement: 'Exhaustive depth-first search finds a violation in every system with injected bugs, with 2 reads and 1 or 2 writes.',
      kind: 'model-checked',
      negativeControls: ['exploration whose checker ignores real-time order'],
    },
    {
      id: 'linearizability/explorers-find-injected-bugs',
      statement: 'Every explorer finds a violation in every system with injected bugs, with 2 reads and 1 write, within 2,000 schedules.',
      kind: 'model-checked',
      negativeControls: ['exploration whose checker ignores real-time order'],
    },
    {
      id: 'linearizability/correct-systems-pass',
      statement: 'Exhaustive exploration of the correct systems, with every history prefix checked, shows no violation.',
      kind: 'model-checked',
      negativeControls: ['exploration whose checker treats pending operations as absent'],
    },
    {
      id: 'linearizability/minimal-schedule-is-minimal',
      statement: 'A minimized failing schedule still fails, and removing any one of its steps makes it pass or become invalid.',
      kind: 'exact',
      negativeControls: ['minimizer that keeps the schedule as found'],
    },
    {
      id: 'linearizability/actor-inputs-rejected',
      statement: 'Unknown explorer, system or harness names, invalid budgets, bounds and depths, faults given to a reducing explorer, malformed replay tokens and unexpected messages raise an Error naming the bad value and the fix.',
      kind: 'exact',
      negativeControls: ['explorer lookup that falls back to dfs for unknown names'],
    },
    {
      id: 'linearizability/explorer-results-consistent',
      statement: 'Every explorer names itself in its result, stays within its budget and time limit, reports exhausted only for a search that covered its space, and with online checking reports a violation that replays and ends at the response that made the history illegal.',
      kind: 'exact',
      negativeControls: ['explorers that report a cut-off search as exhausted'],
    },
    {
      id: 'linearizability/delay-bounded-enumerates',
      statement: 'Delay-bounded search with bound b explores exactly the complete schedules whose choice indices add up to at most b.',
      kind: 'exact',
      negativeControls: ['delay-bounded search that allows one delay more than asked'],
    },
    {
      id: 'linearizability/dpor-one-schedule-per-class',
      statement: 'On small systems whose step effects do not depend on earlier steps, DPOR with sleep sets explores exactly one schedule per class of schedules that differ only in the order of independent steps.',
      kind: 'model-checked',
      negativeControls: ['DPOR that treats every pair of steps as dependent'],
    },
    {
      id: 'linearizability/fault-steps-respect-budget',
      statement: 'A crash removes exactly the messages in flight to its agent and logs nothing, drops and duplicates change only their message, no agent crashes twice, and no schedule uses more faults than its budget.',
      kind: 'exact',
      negativeControls: ['crash that leaves messages to the crashed agent in flight'],
    },
  ],

  experiments: [
    {
      id: 'linearizability/recorded-histories',
      claim: 'linearizability/known-verdicts',
      description: 'Check every recorded history (or, without the data folder, histories the suite records from its models) and compare with the expected verdicts.',
    },
    {
      id: 'linearizability/speed-vs-porcupine',
      claim: 'linearizability/faster-than-porcupine',
      description: 'Total checking time over the 70 etcd logs and c01/c10 key-value logs, per file, beside Porcupine run on the same machine when Go and a Porcupine checkout are available.',
    },
    {
      id: 'linearizability/partitioning',
      claim: 'linearizability/p-compositionality',
      description: 'Time to check c10-ok and c10-bad per key and as one object, same verdicts required.',
    },
    {
      id: 'linearizability/fifty-clients',
      claim: 'linearizability/bounded-budget',
      description: 'Check generated 50-client key-value histories (one linearizable, one not) with a 20 s budget; record time, memory and verdict.',
    },
    {
      id: 'linearizability/ds2-register-reduction',
      claim: 'linearizability/liviola-reduces-register',
      description: 'DS2 comparison table (every system, harness and explorer, DS2 semantics: invocations at delivery, histories checked at the end of each schedule); reads the correct register 2R+1W row.',
    },
    {
      id: 'linearizability/ds2-register-bug',
      claim: 'linearizability/ired-finds-register-bug',
      description: 'Same table; reads the erroneous register 2R+1W row.',
    },
    {
      id: 'linearizability/ds2-chord-bug',
      claim: 'linearizability/liviola-finds-chord-bug',
      description: 'Same table; reads the buggy Chord ring 2R+1W row.',
    },
    {
      id: 'linearizability/ds2-correct-systems',
      claim: 'linearizability/no-false-alarms',
      description: 'Same table; reads the rows of the correct systems.',
    },
    {
      id: 'linearizability/ds2-random-walk',
      claim: 'linearizability/random-walk-rarely-finds',
      description: 'Same table; reads the random-walk rows of the systems with injected bugs.',
    },
  ],

  benchmarks: [
    {
      id: 'linearizability/check-etcd',
      description: 'Check all recorded etcd logs once (or generated cas-register histories without data).',
      unit: 'ms',
    },
    {
      id: 'linearizability/check-kv-partitioned',
      description: 'Check a generated 8-client key-value history (8 keys, 300 operations) per key.',
      unit: 'ms',
      baseline: 'linearizability/check-kv-unpartitioned',
    },
    {
      id: 'linearizability/check-kv-unpartitioned',
      description: 'Check the same history as one object.',
      unit: 'ms',
    },
  ],
};
