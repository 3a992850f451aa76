import { Agent, setGlobalDispatcher } from 'undici';

// 10,000 concurrent calls would open 10,000 sockets to the fake, in the same process as the fake:
// twice the file descriptors the machine allows. Bound the pool, as a real service's HTTP agent is.
// (undici 6 matches the fetch bundled with Node 20.)
setGlobalDispatcher(new Agent({ connections: 256, pipelining: 1 }));
