/** Below this allocated width (px) the controls stack their parts vertically. */
export const COMPACT_WIDTH = 420;
