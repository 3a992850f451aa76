/** Which app produced an event; `demo` marks what a person did on the dashboard. */
export type DemoSource = 'express' | 'nest' | 'next' | 'demo';

export type DemoEventKind = 'login' | 'refresh' | 'relogin' | 'adopted' | 'retry' | 'error' | 'control';

/** One line of the dashboard's timeline. Built from core's events, which carry no secret. */
export interface DemoEvent {
  /** Unique across apps: `<source>-<sequence>`. */
  id: string;
  source: DemoSource;
  kind: DemoEventKind;
  /** Wall-clock epoch ms: orders events from several processes whose demo clocks may differ briefly. */
  at: number;
  title: string;
  detail: string;
}
