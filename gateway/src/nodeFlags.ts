/**
 * Node flags every launcher of the gateway's process passes (the sandbox's and the standalone
 * gateway's: `npm run start:sandbox`, the tests' and benchmarks' child processes).
 *
 * `--single-threaded-gc`: about a third of the gateway's CPU under load went to V8's collector, most of
 * it in its four worker threads; doing the same collections on the event loop's thread measured
 * 1.26–1.32× sshd's CPU per MiB relayed against 1.84–1.90× with the default, keystrokes answered alike
 * (docs/reliability.md#load). V8 takes it only on the command line: set at run time with
 * `v8.setFlagsFromString` it aborted at its next collection, and NODE_OPTIONS refuses it.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
