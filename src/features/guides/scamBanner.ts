/**
 * Which guides show the scam banner (reference §1.5: on every VNeID screen): those whose topic is
 * VNeID or money, and any other whose steps send the person into VNeID or make them pay.
 * Kept apart from the guide schema so the guide page does not load zod.
 */
import type { Guide } from '../../domain/guides';

const TOPICS_WITH_BANNER = new Set(['vneid', 'paymentAccount', 'feePayment', 'scamAwareness']);
const VNEID_OR_PAYMENT = /VNeID|thanh toán|lệ phí|nộp phí|chuyển khoản|ngân hàng/i;

export function needsScamWarning(g: Pick<Guide, 'topic' | 'steps' | 'prepare'>): boolean {
  if (TOPICS_WITH_BANNER.has(g.topic)) return true;
  return [...g.steps.flatMap((s) => [s.text.vi, s.detail?.vi ?? '']), ...g.prepare.map((p) => p.vi)].some((t) => VNEID_OR_PAYMENT.test(t));
}
