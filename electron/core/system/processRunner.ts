import { execFile } from 'node:child_process';

/** Runs a program without a shell and answers how it ended; injected so tests can stand in for a Windows tool (reg.exe, powershell.exe). */
export type ProcessRunner = (
  file: string,
  args: readonly string[],
) => Promise<{ code: number | null; stdout: string; stderr: string }>;

export const runProcess: ProcessRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { windowsHide: true, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({
        code,
        stdout: String(stdout),
        stderr: String(stderr || (error && code === null ? error.message : '')),
      });
    });
  });
