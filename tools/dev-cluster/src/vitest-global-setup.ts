// Placeholder until the dev-cluster package lands: makes sure redis-server is there before any test starts.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('redis-server', ['--version']);
}
