/**
 * Starting the app afresh after its data was wiped: a full load of `path`, so no store, page or
 * module keeps a copy of what was on screen. The current history entry is replaced: "back" does
 * not lead to a page of the wiped data. An object, so tests can watch it instead of navigating.
 */
export const restart = {
  at(path: string): void {
    location.replace(path);
  },
};
