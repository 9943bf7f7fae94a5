/** The operator log as JSON lines, for tests: pass as `startTestApp(env, { logStream })`. */
export class LogCapture {
  readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
  }

  /** Every parsed line. */
  get entries(): Array<Record<string, unknown>> {
    return this.raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Parsed lines whose `event` field is `event`. */
  events(event: string): Array<Record<string, unknown>> {
    return this.entries.filter((e) => e.event === event);
  }

  /** Everything written, as one string (to check that a secret appears nowhere). */
  text(): string {
    return this.raw.join('');
  }
}
