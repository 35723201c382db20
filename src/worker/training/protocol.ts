/**
 * Messages between the main thread and the training worker: the training session's own requests
 * and events (the session is environment-neutral and lives in core, so the CLI and the benches run
 * it too). Typed arrays are transferred.
 */
export * from '../../core/training/session-messages';
