package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// casScript sets KEYS[1] to ARGV[3] with a time to live of ARGV[4]
// milliseconds, but only if its current value is still the one the caller
// read: ARGV[2] when ARGV[1] is "1", absent when ARGV[1] is "0".
//
// It returns 1 when it wrote, 0 on a conflict, and 2 when the key already
// holds exactly ARGV[3]: that is our own write replayed by a client retry
// after its reply was lost, and must not be taken for a conflict (re-running
// fn would apply the turn twice).
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[3] then
  return 2
end
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
`)

// compareAndSet writes val to k if k still holds old (or is still absent
// when exists is false), reporting whether the value is now val.
func (s *Store) compareAndSet(ctx context.Context, k, old string, exists bool, val string) (bool, error) {
	flag := "0"
	if exists {
		flag = "1"
	}
	n, err := casScript.Run(ctx, s.client, []string{k}, flag, old, val, s.opts.TTL.Milliseconds()).Int64()
	if err != nil {
		return false, err
	}
	switch n {
	case 0:
		return false, nil
	case 1, 2:
		return true, nil
	}
	return false, fmt.Errorf("compare-and-set script answered %d", n)
}
