import type { InjectionKey } from 'vue';

/** Switches `/` to the team's Today screen ("I am a member of the digital-technology team"). */
export const SHOW_TEAM_SIDE: InjectionKey<() => void> = Symbol('showTeamSide');
