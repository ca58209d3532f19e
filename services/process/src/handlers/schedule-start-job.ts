// Placeholder while the foundation is built; replaced by the real handler.
export const handler = async (): Promise<void> => {};
