import type { KontorBridge } from '../../shared/contract/bridge';

declare global {
  interface Window {
    readonly kontor?: KontorBridge;
  }
}
