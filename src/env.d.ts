declare const __APP_VERSION__: string;

declare module 'virtual:locale-core/*' {
  const strings: Record<string, unknown>;
  export default strings;
}

/** One Lucide icon, imported on its own so only the icons used are bundled (src/components/icons.ts). */
declare module 'lucide-vue-next/dist/esm/icons/*.js' {
  import type { LucideIcon } from 'lucide-vue-next';
  const icon: LucideIcon;
  export default icon;
}
