/** Where AOF code writes its log lines (the node's Logger satisfies this). */
export interface AofLog {
  log(level: 'verbose' | 'notice' | 'warning', message: string): void;
}
