declare const __APP_VERSION__: string;

declare module 'virtual:locale-core/*' {
  const strings: Record<string, unknown>;
  export default strings;
}
