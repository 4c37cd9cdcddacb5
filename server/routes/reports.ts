/**
 * GET /api/reports/summary (../shared/spec/indicators.md) and the commune's report settings:
 * GET /api/reports/settings for heads and admins, PUT for the commune admin.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app';
import { sendError } from '../errors';
import { checkPeriod, MAX_PERIOD_DAYS } from '../../src/domain/indicators';
import { reportSettingsSchema } from '../../src/domain/reportSettings';
import { readReportSettings, summary, writeReportSettings } from '../services/reports';

const PERIOD_MESSAGES = {
  invalidDate: 'from and to must be calendar dates, YYYY-MM-DD',
  fromAfterTo: 'from must not be after to',
  tooLong: `a period is at most ${MAX_PERIOD_DAYS} days`,
} as const;

export function reportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/reports/summary', async (req, reply) => {
    const caller = req.caller!;
    if (caller.role === 'member') return sendError(reply, 403, 'FORBIDDEN', 'only a team head or a commune admin sees reports');
    const { from, to } = req.query as Record<string, unknown>;
    const period = checkPeriod(from, to);
    if (!period.ok) return sendError(reply, 400, 'BAD_REQUEST', PERIOD_MESSAGES[period.reason]);
    return summary(ctx.db, { role: caller.role, teamId: caller.teamId, communeId: caller.communeId }, period.period);
  });

  app.get('/api/reports/settings', async (req, reply) => {
    const caller = req.caller!;
    if (caller.role === 'member') return sendError(reply, 403, 'FORBIDDEN', 'only a team head or a commune admin reads report settings');
    return readReportSettings(ctx.db, caller.communeId);
  });

  app.put('/api/reports/settings', async (req, reply) => {
    const caller = req.caller!;
    if (caller.role !== 'admin') return sendError(reply, 403, 'FORBIDDEN', 'only the commune admin sets the indicators and targets');
    const parsed = reportSettingsSchema.safeParse(req.body);
    if (!parsed.success) return sendError(reply, 400, 'BAD_REQUEST', 'send {indicators: [keys], targets: {key: integer}} with known indicator keys');
    return writeReportSettings(ctx.db, caller.communeId, caller.userId, parsed.data);
  });
}
