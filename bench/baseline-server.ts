// The baseline for the ingest benchmark: a bare node:http server on one port that reads the whole
// request body and answers 200 with an empty body — the most an HTTP/1.1 Node process can do on
// this machine, with no parsing, storage or fsync. `PORT=0` picks a free port; the address is
// printed as `listening at http://…` on stdout.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    res.writeHead(200, { 'content-length': '0', 'x-body-bytes': String(bytes) });
    res.end();
  });
});
// Same connection limits as the embedded server, so keep-alive behaves alike.
server.keepAliveTimeout = 5_000;

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`listening at http://${address}:${port}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
