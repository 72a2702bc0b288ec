// Package leader lets several replicas of a service run the same background work (a relay, a
// consumer) safely: a PostgreSQL session advisory lock makes one replica the leader and the
// others stand by, taking over within seconds if the leader's database session ends.
package leader

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/familytime/familytime/services/platform/internal/wait"
)

// CheckEvery is how often the leader confirms its locking session is alive.
const CheckEvery = 2 * time.Second

// Run calls work whenever this process holds the lock named key, with a context that ends when
// the lock is lost or ctx ends. work should run until its context ends; if it returns an error it
// is logged and called again after a pause. Run returns when ctx ends.
func Run(ctx context.Context, pool *pgxpool.Pool, key string, log *slog.Logger, work func(ctx context.Context) error) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		led, err := lead(ctx, pool, key, work)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.WarnContext(ctx, "background work stopped; will retry", "work", key, "error", err, "pause", pause)
			pause = min(pause*2, 5*time.Second)
		case !led:
			pause = time.Second
		default:
			pause = 100 * time.Millisecond
		}
		wait.Sleep(ctx, pause)
	}
}

func lead(ctx context.Context, pool *pgxpool.Pool, key string, work func(ctx context.Context) error) (bool, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("acquire leader connection: %w", err)
	}
	var locked bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock(hashtext($1))", key).Scan(&locked); err != nil {
		conn.Release()
		return false, fmt.Errorf("take leader lock: %w", err)
	}
	if !locked {
		conn.Release()
		return false, nil
	}
	workCtx, cancel := context.WithCancel(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		// If the locking session dies, PostgreSQL releases the lock and another replica may lead:
		// stop working here.
		for wait.Sleep(workCtx, CheckEvery) {
			if err := conn.Ping(workCtx); err != nil {
				cancel()
				return
			}
		}
	}()
	err = work(workCtx)
	cancel()
	<-watching // the connection is not safe for concurrent use
	if _, unlockErr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext($1))", key); unlockErr != nil {
		// The session may be broken; closing it releases any lock it still holds.
		_ = conn.Hijack().Close(context.WithoutCancel(ctx))
		return true, err
	}
	conn.Release()
	return true, err
}
