/**
 * The app's icons: Lucide's, drawn as inline SVG from the bundle (so they look the same on every
 * phone, offline, whatever fonts it has). Each is imported from its own file, so only these are
 * bundled and tests do not load the whole set. Lucide marks them `aria-hidden`: a label next to an
 * icon, or an `aria-label` on its button, says what it means.
 */
export { default as IconToday } from 'lucide-vue-next/dist/esm/icons/sun.js';
export { default as IconHouseholds } from 'lucide-vue-next/dist/esm/icons/house.js';
export { default as IconSessions } from 'lucide-vue-next/dist/esm/icons/users.js';
export { default as IconGuides } from 'lucide-vue-next/dist/esm/icons/book-open.js';
export { default as IconSettings } from 'lucide-vue-next/dist/esm/icons/settings.js';
export { default as IconRemove } from 'lucide-vue-next/dist/esm/icons/x.js';
export { default as IconBack } from 'lucide-vue-next/dist/esm/icons/arrow-left.js';
export { default as IconNext } from 'lucide-vue-next/dist/esm/icons/arrow-right.js';
export { default as IconReadAloud } from 'lucide-vue-next/dist/esm/icons/volume-2.js';
export { default as IconOpen } from 'lucide-vue-next/dist/esm/icons/chevron-right.js';
export { default as IconPhone } from 'lucide-vue-next/dist/esm/icons/phone.js';
export { default as IconHead } from 'lucide-vue-next/dist/esm/icons/crown.js';
export { default as IconPrint } from 'lucide-vue-next/dist/esm/icons/printer.js';
export { default as IconDownload } from 'lucide-vue-next/dist/esm/icons/download.js';
