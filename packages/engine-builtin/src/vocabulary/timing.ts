// How long the tester waits: for a live NUT's answer on an idle link, and between steps of a case.

/** How long a live NUT takes at most to answer on an idle link, resolution of the tester included. */
export const ANSWER_WINDOW_MS = 3_000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
