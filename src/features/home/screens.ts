/** What `/` shows: Today on a team member's phone, the guides on anyone else's (HomePage.vue). */
export const homeScreens = {
  today: () => import('../today/TodayPage.vue'),
  citizen: () => import('../guides/CitizenHome.vue'),
};
