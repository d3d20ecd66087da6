/** Failures the CLI reports: what went wrong, what to do, and the problem body when there is one. */
export interface ProblemBody {
  type?: string;
  code?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  dependents?: { id: string; name: string; enabled?: boolean; class?: string }[];
  [key: string]: unknown;
}

export class CliError extends Error {
  constructor(
    message: string,
    /** The next step, in words (`Run hasp login …`). */
    readonly hint: string | null = null,
    readonly problem: ProblemBody | null = null,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
