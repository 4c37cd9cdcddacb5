import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string;
    /** The screen paints with the first-paint strings only (see build/localeCore.ts). */
    core?: boolean;
    /** A guide page: the guide file shipped with the app, fetched with the page (see the router). */
    shippedGuide?: import('./domain/guides').Guide;
    /** Screens a citizen without a team uses; opening any other marks the phone as a team member's. */
    citizen?: boolean;
    /** The screen `/` shows on this phone (Today or the citizen's guides), loaded before entering. */
    homeScreen?: import('vue').Component;
  }
}
