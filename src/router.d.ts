import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string;
    /** The screen paints with the first-paint strings only (see build/localeCore.ts). */
    core?: boolean;
  }
}
