// The Router Discovery case ids whose unit tests live in rd-cases.test.ts (with their own fake NUT,
// test/fake-rd-nut.ts) rather than in nd-cases.test.ts: the new and the tightened parts of v6LC.2.2.
export const RD_OWN_TESTS = /^v6LC\.2\.2\.(4|5|6|7|8|9|10|11|14|15|16|17|18|19|20|21|22|23|24|25|26|27)(-[A-K])?$|^v6LC\.2\.2\.12-E$|^v6LC\.2\.2\.13-[AB]$/;
