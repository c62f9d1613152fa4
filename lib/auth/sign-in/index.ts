// The sign-in lifecycle, in the order a browser goes through it:
//   password-step  the password (login, invitation of an existing user), rate-limited
//   open           the login challenge after any proved password, by the one 2FA rule, in a cookie
//   second-factor  a factor against the challenge (its attempts, the user's limit)
//   enrolment      forced enrolment when an enforcing account requires 2FA and the user has none
//   remember       "Don't ask again on this device": its cookie, set after a second factor and read by open
//   grant          the finished challenge exchanged, once, for a session (next-auth's only provider);
//                  after a second factor at /login, the second step grants it itself
// challenge.ts stores the challenges; cookie.ts names the browser's. Sign-up and invitation end in
// `beginSignIn` too, and every way in finishes on /login (components/auth/sign-in).
export { checkPassword, verifyCredentials } from "./password-step";
export { beginSignIn, startChallenge, type ProvedUser } from "./open";
export { challengeFactorOptions, signInWithSecondFactor, verifyChallengeSecondFactor } from "./second-factor";
export {
  beginChallengeEnrolment,
  beginChallengeKeyEnrolment,
  finishChallengeEnrolment,
  finishChallengeKeyEnrolment,
} from "./enrolment";
export { grantSession } from "./grant";
export { challengeCookieName, openSignIn, readChallengeCookie, type OpenSignIn } from "./cookie";
export { rememberCookieName, rememberThisBrowser } from "./remember";
