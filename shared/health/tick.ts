/** The cron's turn at sender health. */
import type { Db } from '../db/client';

export async function tickSenderHealth(_env: Env, _db: Db, _now: number): Promise<void> {}
