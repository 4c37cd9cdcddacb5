/**
 * GET /api/reports/summary (../shared/spec/indicators.md) and the commune's report settings:
 * GET /api/reports/settings for heads and admins, PUT for the commune admin.
 */
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../plugins/authentication';
import { sendError } from '../errors';
import { checkPeriod, MAX_PERIOD_DAYS } from '../../src/domain/indicators';
import { reportSettingsSchema } from '../../src/domain/reportSettings';
import { readReportSettings, summary, writeReportSettings } from '../services/reports';
import { recordEvent } from '../services/audit';

const PERIOD_MESSAGES = {
  invalidDate: 'from and to must be calendar dates, YYYY-MM-DD',
  fromAfterTo: 'from must not be after to',
  tooLong: `a period is at most ${MAX_PERIOD_DAYS} days`,
} as const;

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.ctx;
  const heads = { config: { roles: ['head', 'admin'] } } as const;

  app.get('/reports/summary', heads, async (req, reply) => {
    const caller = callerOf(req);
    // The route's roles refused a member already; this narrows the type for the scope.
    if (caller.role === 'member') return sendError(reply, 403, 'FORBIDDEN', 'only a team head or a commune admin sees reports');
    const { from, to } = req.query as Record<string, unknown>;
    const period = checkPeriod(from, to);
    if (!period.ok) return sendError(reply, 400, 'BAD_REQUEST', PERIOD_MESSAGES[period.reason]);
    const report = await summary(db, { role: caller.role, teamId: caller.teamId, communeId: caller.communeId }, period.period);
    // The admin's exports (CSV, print) are made on the device from this answer: every read counts as one.
    await recordEvent(db, { actor: caller, entity: 'report', op: 'report-read' });
    return report;
  });

  app.get('/reports/settings', heads, async (req) => readReportSettings(db, callerOf(req).communeId));

  app.put('/reports/settings', { config: { roles: ['admin'] } }, async (req, reply) => {
    const caller = callerOf(req);
    const parsed = reportSettingsSchema.safeParse(req.body);
    if (!parsed.success) return sendError(reply, 400, 'BAD_REQUEST', 'send {indicators: [keys], targets: {key: integer}} with known indicator keys');
    return writeReportSettings(db, caller.communeId, caller.userId, parsed.data);
  });
}
