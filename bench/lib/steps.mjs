// The consumer's steps, for "Where the time goes" at 64 KB and 512 KB (bench/lib/step-split.mjs):
// which functions of a CPU profile of the Worker's isolate each step is charged. The one place to
// edit when the service's functions are renamed: a step whose names match no frame of a profile
// is shown as "—", not 0, so a rename shows up in the report instead of silently reading zero.
//
// Matching (bench/lib/profile.mjs `stepsOf`): a name matches a frame's function name with esbuild's
// de-duplicating digit suffix dropped (`parseBody2` is `parseBody`); `a>b` matches a frame `b` with
// a frame `a` somewhere below it on the same stack (valibot's `safeParse` is the consumer's decode
// only inside `consumeBatch`: the ingress validates payloads with a function of the same name); a
// trailing `!` matches native frames only (no script URL). Each sample is charged to the innermost
// frame on its stack that matches any step, so nested steps are not counted twice: `sealText` inside
// `loggedEvent` is seal, not other consumer JS; `openText` inside `getSealedObject` is seal; the
// rest of `getSealedObject` (the binding's `get`, `object.text()`) is R2.
//
// Names of both the current payload path (text sealed to base64 strings) and the one being built
// (payloads as bytes, sealed to bytes, a BLOB column) are listed; names that match nothing cost
// nothing.

export const CONSUMER_STEPS = [
  {
    key: 'decode',
    label: 'decode (message validation/decoding)',
    names: [
      'consumeBatch>safeParse',
      'consumeBatch>parse',
      'consumeBatch>is',
      'decodeEventMessage',
      'parseEventMessage',
      'readEventMessage',
      'eventMessageFrom',
      'decodeMessage',
      'parseMessage',
      'parseMessages',
      'decodeBatch',
      'parseBatch',
      'decodePayload',
    ],
    how: "the consumer's parse of each queue message (valibot's `safeParse` called from `consumeBatch`, or a decoder named `decodeEventMessage`, `parseEventMessage`, …)",
  },
  {
    key: 'seal',
    label: 'seal (AES-GCM seal and open)',
    names: ['seal', 'sealText', 'sealBytes', 'sealPayload', 'sealObject', 'sealEvent', 'open', 'openText', 'openBytes', 'openPayload', 'openObject', 'openSealed'],
    how: '`seal`/`sealText`/`sealBytes`/`sealPayload` and their `open…` counterparts with what they call (Web Crypto encrypt/decrypt, base64), wherever they are called from, also inside `putSealedObject`/`getSealedObject`',
  },
  {
    key: 'log',
    label: "log write (the project log's Durable Objects: RPC and SQLite)",
    names: [
      'projectLog',
      'placeEvents',
      'dispatchedRuns',
      'recordDispatch',
      'recordDead',
      'recordFailedAttempt',
      'recordEvents',
      'appendEvents',
      'writeEvents',
      'reserve',
      '#reserve',
      'claim',
      '#claim',
      '#afterWrites',
      '#closeIfFull',
      '#scheduleEvents',
      '#recordOne',
      'closeSegment',
      'noteLateChanges',
      'ensureStorage',
      'migrateLogStorage',
      'exec!',
      'transactionSync!',
    ],
    how: 'the project log client\'s calls (`placeEvents`, `dispatchedRuns`, `recordDispatch`, …, the RPC serialisation under them) and the Durable Objects\' methods of the same names, `reserve`, `claim`, and SQLite\'s `exec`/`transactionSync` under them',
  },
  {
    key: 'r2',
    label: "R2 (the bucket binding's put/get)",
    names: ['getSealedObject', 'putSealedObject', 'claimChecked', 'loadPayload', 'getSealedBytes', 'putSealedBytes', 'readSealedObject', 'writeSealedObject', 'getPayloadObject', 'putPayloadObject', 'readClaimCheck'],
    how: '`getSealedObject`/`putSealedObject`/`claimChecked`/`loadPayload` less the seal/open inside them: the binding\'s `get`/`put` and reading the object\'s body',
  },
  {
    key: 'health',
    label: "sender health (traffic counts, shape summaries of a sample, the health object's RPC)",
    names: ['reportAccepted', 'trafficOf', 'shapesOf', 'summariseShapes', 'sampleForShapes', 'observeAccepted', 'senderHealth'],
    how: "`reportAccepted` and what it calls: the accepted counts per minute, the shape summary of at most 20 events per webhook per batch (`summariseShapes`, its JSON parse included), and the RPC to the project's health object (`observeAccepted`); the consumer's CPU before sender health is the total less this step",
  },
  {
    key: 'other',
    label: "other consumer JS (batching, the fan-out's D1 read, bookkeeping)",
    names: ['queue', 'consumeBatch', 'fanOutProject', 'fanOut', 'readWebhooks', 'sendRuns', 'loggedEvent', 'eventPlacement', 'settleTogetherOrAlone', 'chunkByWeight', 'consumeEvents', 'consumeProject'],
    how: "the rest of the consumer's own JavaScript (`queue`, `consumeBatch`, `fanOutProject`, `readWebhooks`, `loggedEvent`, …) not in a step above",
  },
];
