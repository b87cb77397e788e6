// Entry point of the lienthong command-line tool: the only file that touches
// the process (argv, streams, environment, exit status).
import { run } from './run.ts';

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
