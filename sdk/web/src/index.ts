// The web SDK's public surface. Auto-capture, batching, retries and the rest arrive with the
// web SDK issue; the package is already built and served so pages can load it from day one.
export const sdkName = 'clickstream-web';
export const sdkVersion = '0.1.0';
