#ifndef LIVESOLVE_AMQP_BRIDGE_H
#define LIVESOLVE_AMQP_BRIDGE_H

// One blocking AMQP 0-9-1 connection with one channel, on rabbitmq-c, in the few calls
// LiveSolve needs (rabbitmq-c's login is variadic, which Swift cannot call). Not thread-safe:
// one connection belongs to one thread. Every call that fails writes why into `error`.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct amqpb_connection amqpb_connection;

/// A delivered message; its pointers stay valid until the next `amqpb_next` or `amqpb_close`.
typedef struct {
    const void *body;
    size_t length;
    const char *correlation_id;  // "" when absent
    const char *message_id;      // "" when absent
    const char *reply_to;        // "" when absent
    const char *routing_key;
    uint64_t delivery_tag;
} amqpb_message;

/// Connects, logs in and opens channel 1, in publisher-confirm mode when `confirms`.
/// `url` is amqp://USER:PASS@HOST:PORT/VHOST. Waits at most `timeout_millis` for the socket.
amqpb_connection *amqpb_connect(const char *url, int confirms, int timeout_millis, char *error, size_t error_size);
void amqpb_close(amqpb_connection *connection);

/// Declares a queue (an empty name asks the broker for one); writes its name into `name_out`.
int amqpb_declare_queue(amqpb_connection *connection, const char *name, int exclusive, int auto_delete, int durable,
                        char *name_out, size_t name_size, char *error, size_t error_size);

/// Publishes `body` to `queue` through the default exchange; with confirms and
/// `await_confirm`, waits for the broker's ack of it and of every message before it. Returns 0,
/// or -1 with `error`.
int amqpb_publish(amqpb_connection *connection, const char *queue, const void *body, size_t length,
                  const char *correlation_id, const char *message_id, const char *reply_to, int persistent, int await_confirm,
                  char *error, size_t error_size);

/// With confirms, waits for the broker's ack of every message published so far. Returns 0, or
/// -1 with `error` (a nack, or the connection failed).
int amqpb_await_confirms(amqpb_connection *connection, char *error, size_t error_size);

/// Starts consuming `queue`: with `acks`, manual acks and at most `prefetch` unacked at once;
/// without, the broker counts a message delivered once it is sent (`prefetch` is ignored).
int amqpb_consume(amqpb_connection *connection, const char *queue, int prefetch, int acks, char *error, size_t error_size);

/// Waits up to `timeout_millis` for a delivery: 1 with `message` filled, 0 on timeout, -1 when
/// the connection failed (with `error`).
int amqpb_next(amqpb_connection *connection, int timeout_millis, amqpb_message *message, char *error, size_t error_size);

int amqpb_ack(amqpb_connection *connection, uint64_t delivery_tag, char *error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif
