import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, loadConfig } from '../config.js';

/** Where an operator command writes: results on `log` (stdout), refusals on `error` (stderr). */
export interface CliOut {
  log(s: string): void;
  error(s: string): void;
}

/** An operator command: its arguments and environment in, the process's exit code out. */
export type Cli = (
  args: readonly string[],
  env: Record<string, string | undefined>,
  out?: CliOut,
) => Promise<number>;

/**
 * The server's configuration for a command (the same variables the server reads), or undefined after the
 * command said what is wrong with it: the caller then exits with 2 (bad arguments or configuration).
 */
export function cliConfig(env: Record<string, string | undefined>, out: CliOut): Config | undefined {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.error(`tsudoi: ${err.message}`);
    return undefined;
  }
}

/**
 * Runs `cli` when the module at `moduleUrl` is the process's entry point (`node apps/server/dist/cli/x.js`):
 * its result is the exit code; a crash is reported as `tsudoi: <what> failed: …` and exits 1.
 */
export function runAsCommand(moduleUrl: string, cli: Cli, what: string): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  cli(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`tsudoi: ${what} failed:`, err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
