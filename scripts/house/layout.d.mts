export const REORGANISED: string[];
export const RULES: [string, (name: string) => boolean, string][];
export const SHIMS: Record<string, string>;
export function place(path: string): string | undefined;
export const PROSE: Record<string, string>;
