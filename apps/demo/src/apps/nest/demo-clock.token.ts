/** Injection token of the app's {@link DemoClock}. */
export const DEMO_CLOCK = Symbol('DEMO_CLOCK');
