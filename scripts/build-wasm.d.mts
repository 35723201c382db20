export const OUTPUT: string;
export function rowKernelSource(): Promise<string>;
