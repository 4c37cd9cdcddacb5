import type { App } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { nextTick } from 'vue';
import { useNoticesStore } from '../stores/notices';
import { loadFullLocale } from './i18n';
import { loadShippedGuide } from '../features/guides/shippedFiles';
import { hasProgress } from '../features/guides/progress';
import { isTeamSide, markTeamSide } from '../features/home/teamSide';
import { homeScreens } from '../features/home/screens';
import { lockGuard } from '../features/lock/guard';

const guidePage = () => import('../features/guides/GuidePage.vue');
const homePage = () => import('../features/home/HomePage.vue');

// Every page is its own chunk, so the first paint loads only the page it shows.
export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'today',
    component: homePage,
    meta: { title: 'nav.today', core: true, citizen: true },
    // Chosen from a hint in localStorage and loaded with the page, so the first frame shows it.
    beforeEnter: async (to) => {
      const [, screen] = await Promise.all([homePage(), (isTeamSide() ? homeScreens.today : homeScreens.citizen)()]).catch(() => []);
      to.meta.homeScreen = screen?.default;
    },
  },
  { path: '/households', name: 'households', component: () => import('../features/households/HouseholdListPage.vue'), meta: { title: 'nav.households', core: true } },
  { path: '/households/new', name: 'household-new', component: () => import('../features/households/HouseholdNewPage.vue'), meta: { title: 'household.newTitle' } },
  { path: '/households/:id', name: 'household', component: () => import('../features/households/HouseholdPage.vue'), props: true, meta: { title: 'household.title' } },
  { path: '/households/:id/export', name: 'household-export', component: () => import('../features/households/HouseholdExportPage.vue'), props: true, meta: { title: 'household.export' } },
  { path: '/households/:id/edit', name: 'household-edit', component: () => import('../features/households/HouseholdEditPage.vue'), props: true, meta: { title: 'household.editTitle' } },
  { path: '/households/:householdId/members/new', name: 'member-new', component: () => import('../features/households/MemberFormPage.vue'), props: true, meta: { title: 'member.newTitle' } },
  { path: '/members/:id/edit', name: 'member-edit', component: () => import('../features/households/MemberFormPage.vue'), props: true, meta: { title: 'member.editTitle' } },
  { path: '/households/:householdId/visits/new', name: 'visit-new', component: () => import('../features/visits/VisitFormPage.vue'), props: true, meta: { title: 'visit.newTitle' } },
  { path: '/visits/:id', name: 'visit', component: () => import('../features/visits/VisitPage.vue'), props: true, meta: { title: 'visit.title' } },
  { path: '/visits/:id/edit', name: 'visit-edit', component: () => import('../features/visits/VisitFormPage.vue'), props: true, meta: { title: 'visit.editTitle' } },
  { path: '/sessions', name: 'sessions', component: () => import('../features/sessions/SessionListPage.vue'), meta: { title: 'nav.sessions' } },
  { path: '/sessions/new', name: 'session-new', component: () => import('../features/sessions/SessionFormPage.vue'), meta: { title: 'session.newTitle' } },
  { path: '/sessions/:id/edit', name: 'session-edit', component: () => import('../features/sessions/SessionFormPage.vue'), props: true, meta: { title: 'session.editTitle' } },
  { path: '/guides', name: 'guides', component: () => import('../features/guides/GuideListPage.vue'), meta: { title: 'guides.title', core: true, citizen: true } },
  {
    path: '/guides/:slug',
    name: 'guide',
    component: guidePage,
    props: true,
    meta: { title: 'guides.title', core: true, citizen: true },
    // The guide's own file is fetched together with the page's code, not after it, and the page
    // enters with both: its text is on the first frame, before anything else starts loading.
    beforeEnter: async (to) => {
      const [, guide] = await Promise.all([guidePage(), loadShippedGuide(String(to.params.slug))]).catch(() => []);
      to.meta.shippedGuide = guide;
    },
  },
  { path: '/members/:id/checklist', name: 'checklist', component: () => import('../features/checklist/ChecklistPage.vue'), props: true, meta: { title: 'checklist.short' } },
  { path: '/join', name: 'join', component: () => import('../features/team/JoinPage.vue'), meta: { title: 'join.title', core: true } },
  { path: '/lock', name: 'lock', component: () => import('../features/lock/LockPage.vue'), meta: { title: 'lock.title', core: true } },
  { path: '/pin', name: 'pin', component: () => import('../features/lock/PinPage.vue'), meta: { title: 'lock.setTitle' } },
  { path: '/team', name: 'team', component: () => import('../features/team/TeamPage.vue'), meta: { title: 'team.title' } },
  { path: '/team/audit', name: 'audit', component: () => import('../features/team/AuditPage.vue'), meta: { title: 'audit.title' } },
  { path: '/attention', name: 'attention', component: () => import('../features/attention/AttentionPage.vue'), meta: { title: 'attention.title' } },
  { path: '/reports', name: 'reports', component: () => import('../features/reports/ReportsPage.vue'), meta: { title: 'reports.title' } },
  { path: '/settings', name: 'settings', component: () => import('../features/settings/SettingsPage.vue'), meta: { title: 'nav.settings' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../components/NotFoundPage.vue'), meta: { title: 'notFound.title', core: true, citizen: true } },
];

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (to, _from, saved) => {
      if (saved) return saved;
      // A guide opened again brings the step to continue at into view (GuidePage says which).
      if (to.name === 'guide' && hasProgress(String(to.params.slug))) return { el: '[data-testid="step-card"]', top: 8 };
      return { top: 0 };
    },
  });
  router.beforeEach(lockGuard);
  // Screens outside the first-paint set wait for the whole locale (usually loaded already).
  router.beforeEach(async (to) => {
    if (!to.meta.core) await loadFullLocale().catch(() => undefined);
  });
  // After a route change, move focus to the page heading so screen readers announce the new page.
  router.afterEach((to, from) => {
    if (!to.meta.citizen) markTeamSide();
    if (!from.name) return;
    const before = document.activeElement;
    void nextTick(() => {
      setTimeout(() => focusHeading(before), 0);
    });
  });
  return router;
}

let stopWaiting: (() => void) | undefined;

/**
 * Focuses `main h1` (or the page's `data-arrival-focus` element). Pages that read their data first (a household, a guide) show the heading a
 * moment later: wait for it (a few seconds at most), unless the person has moved focus meanwhile.
 */
function focusHeading(before: Element | null): void {
  stopWaiting?.();
  // A page opened for one task (the search box of "Tìm hộ") marks where focus should land instead.
  const heading = () => document.querySelector<HTMLElement>('main [data-arrival-focus]') ?? document.querySelector<HTMLElement>('main h1');
  // Without scrolling: the router has already put the page where it belongs (the top, the place
  // left on going back, or a guide's current step).
  const now = heading();
  if (now) return now.focus({ preventScroll: true });
  const main = document.querySelector('main');
  if (!main) return;
  const observer = new MutationObserver(() => {
    const h = heading();
    if (!h) return;
    stop();
    const active = document.activeElement;
    if (!active || active === document.body || active === before) h.focus({ preventScroll: true });
  });
  const timer = setTimeout(() => stop(), 5000);
  function stop(): void {
    observer.disconnect();
    clearTimeout(timer);
    stopWaiting = undefined;
  }
  stopWaiting = stop;
  observer.observe(main, { childList: true, subtree: true });
}

export function installRouter(app: App): void {
  const router = createAppRouter();
  // A screen whose code is not on the device yet (first visit, no network) says so plainly.
  router.onError((err: unknown) => {
    console.error(err);
    useNoticesStore().show('error', 'errors.screenUnavailable');
  });
  app.use(router);
}
