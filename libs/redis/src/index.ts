export { createRedisConnection, waitForRedis, type RedisConnectionOptions, type RedisMode } from './create-redis-connection';
