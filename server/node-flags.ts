/**
 * V8 flags of every production server process. package.json's start, serve
 * and worker scripts pass them, the Dockerfile sets them in NODE_OPTIONS
 * (so compose, fly and the CLI in the image get them too), and the test and
 * benchmark servers start with them; tests/server/node-flags.test.ts keeps
 * those in step. They must be given at start: V8 sizes its heap when the
 * process begins, so setting them from inside server/index.ts does nothing.
 *
 * --max-semi-space-size=2 (MiB): V8 sizes the young generation from the
 * machine's memory, up to 64 MiB per semi-space (128 MiB committed) on a
 * 24 GB host. Objects there die young, so it was mostly empty, yet resident;
 * and so few scavenges ran that the 64 KB request-body buffers they would
 * free piled up until external-memory pressure forced a full collection,
 * ~90 times during a 530 MiB batch upload. With 2 MiB the same upload ran
 * 2–3× faster with a handful of full collections, and the idle server was
 * ~30–40 MB smaller; SSR throughput stayed within the noise of the machine.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=2'] as const
