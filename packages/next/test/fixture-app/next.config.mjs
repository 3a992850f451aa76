/** @type {import('next').NextConfig} */
const nextConfig = {
  // Nothing Apiax-specific is needed: @apiax-auth/next is a plain ESM server dependency.
  poweredByHeader: false,
};

export default nextConfig;
