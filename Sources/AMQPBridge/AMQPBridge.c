#include "AMQPBridge.h"

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct amqpb_connection {
    amqp_connection_state_t state;
    int confirms;
    uint64_t published;
    amqp_envelope_t envelope;
    int has_envelope;
    char correlation_id[256];
    char message_id[256];
    char reply_to[256];
    char routing_key[256];
};

static void fail(char *error, size_t size, const char *what, const char *why) {
    if (error && size) snprintf(error, size, "%s: %s", what, why);
}

/// Why an RPC failed, in words; NULL when it did not.
static const char *reply_error(amqp_rpc_reply_t reply, char *buffer, size_t size) {
    switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return NULL;
    case AMQP_RESPONSE_NONE:
        return "missing RPC reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            amqp_connection_close_t *close = (amqp_connection_close_t *)reply.reply.decoded;
            snprintf(buffer, size, "the broker closed the connection: %.*s", (int)close->reply_text.len, (char *)close->reply_text.bytes);
        } else if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            amqp_channel_close_t *close = (amqp_channel_close_t *)reply.reply.decoded;
            snprintf(buffer, size, "the broker closed the channel: %.*s", (int)close->reply_text.len, (char *)close->reply_text.bytes);
        } else {
            snprintf(buffer, size, "broker error, method 0x%08x", reply.reply.id);
        }
        return buffer;
    }
    return "unknown reply";
}

static int check(amqpb_connection *c, const char *what, char *error, size_t size) {
    char buffer[300];
    const char *why = reply_error(amqp_get_rpc_reply(c->state), buffer, sizeof buffer);
    if (!why) return 0;
    fail(error, size, what, why);
    return -1;
}

amqpb_connection *amqpb_connect(const char *url, int confirms, int timeout_millis, char *error, size_t error_size) {
    char *copy = strdup(url);
    struct amqp_connection_info info;
    amqp_default_connection_info(&info);
    if (amqp_parse_url(copy, &info) != AMQP_STATUS_OK) {
        fail(error, error_size, url, "not an amqp://USER:PASS@HOST:PORT/VHOST address");
        free(copy);
        return NULL;
    }
    amqpb_connection *c = calloc(1, sizeof *c);
    c->state = amqp_new_connection();
    // A broker that accepts the socket but does not answer (still starting, or wedged) must
    // not hold a thread forever: the handshake and every RPC have a bound.
    struct timeval handshake = { timeout_millis / 1000, (timeout_millis % 1000) * 1000 };
    struct timeval rpc = { 30, 0 };
    amqp_set_handshake_timeout(c->state, &handshake);
    amqp_set_rpc_timeout(c->state, &rpc);
    amqp_socket_t *socket = amqp_tcp_socket_new(c->state);
    struct timeval timeout = { timeout_millis / 1000, (timeout_millis % 1000) * 1000 };
    int status = socket ? amqp_socket_open_noblock(socket, info.host, info.port, &timeout) : AMQP_STATUS_SOCKET_ERROR;
    if (status != AMQP_STATUS_OK) {
        char where[300];
        snprintf(where, sizeof where, "cannot reach the broker at %s:%d", info.host, info.port);
        fail(error, error_size, where, amqp_error_string2(status));
        amqp_destroy_connection(c->state);
        free(c);
        free(copy);
        return NULL;
    }
    char buffer[300];
    // amqp://host:5672/ names no vhost: the broker's default one, "/", as most clients read it.
    const char *vhost = (info.vhost && *info.vhost) ? info.vhost : "/";
    const char *why = reply_error(amqp_login(c->state, vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password),
                                  buffer, sizeof buffer);
    free(copy);
    if (why) {
        fail(error, error_size, "login", why);
        amqpb_close(c);
        return NULL;
    }
    amqp_channel_open(c->state, 1);
    if (check(c, "channel", error, error_size)) {
        amqpb_close(c);
        return NULL;
    }
    if (confirms) {
        amqp_confirm_select(c->state, 1);
        if (check(c, "confirm mode", error, error_size)) {
            amqpb_close(c);
            return NULL;
        }
        c->confirms = 1;
    }
    return c;
}

void amqpb_close(amqpb_connection *c) {
    if (!c) return;
    if (c->has_envelope) amqp_destroy_envelope(&c->envelope);
    amqp_connection_close(c->state, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(c->state);
    free(c);
}

int amqpb_declare_queue(amqpb_connection *c, const char *name, int exclusive, int auto_delete, int durable,
                        char *name_out, size_t name_size, char *error, size_t error_size) {
    amqp_queue_declare_ok_t *ok = amqp_queue_declare(c->state, 1, amqp_cstring_bytes(name), 0, durable, exclusive, auto_delete, amqp_empty_table);
    if (check(c, "queue declare", error, error_size) || !ok) return -1;
    if (name_out && name_size) snprintf(name_out, name_size, "%.*s", (int)ok->queue.len, (char *)ok->queue.bytes);
    return 0;
}

int amqpb_publish(amqpb_connection *c, const char *queue, const void *body, size_t length,
                  const char *correlation_id, const char *message_id, const char *reply_to, int persistent, int await_confirm,
                  char *error, size_t error_size) {
    amqp_basic_properties_t properties;
    memset(&properties, 0, sizeof properties);
    properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    properties.delivery_mode = persistent ? AMQP_DELIVERY_PERSISTENT : AMQP_DELIVERY_NONPERSISTENT;
    properties.content_type = amqp_cstring_bytes("application/octet-stream");
    if (correlation_id && *correlation_id) {
        properties._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
        properties.correlation_id = amqp_cstring_bytes(correlation_id);
    }
    if (message_id && *message_id) {
        properties._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        properties.message_id = amqp_cstring_bytes(message_id);
    }
    if (reply_to && *reply_to) {
        properties._flags |= AMQP_BASIC_REPLY_TO_FLAG;
        properties.reply_to = amqp_cstring_bytes(reply_to);
    }
    amqp_bytes_t bytes = { length, (void *)body };
    int status = amqp_basic_publish(c->state, 1, amqp_empty_bytes, amqp_cstring_bytes(queue), 0, 0, &properties, bytes);
    if (status != AMQP_STATUS_OK) {
        fail(error, error_size, "publish", amqp_error_string2(status));
        return -1;
    }
    if (!c->confirms) return 0;
    c->published++;
    return await_confirm ? amqpb_await_confirms(c, error, error_size) : 0;
}

int amqpb_await_confirms(amqpb_connection *c, char *error, size_t error_size) {
    if (!c->confirms) return 0;
    // The broker acks in order on this channel; nothing else arrives on a publishing connection.
    for (;;) {
        int status;
        amqp_frame_t frame;
        struct timeval timeout = { 10, 0 };
        status = amqp_simple_wait_frame_noblock(c->state, &frame, &timeout);
        if (status != AMQP_STATUS_OK) {
            fail(error, error_size, "publisher confirm", amqp_error_string2(status));
            return -1;
        }
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
            amqp_basic_ack_t *ack = (amqp_basic_ack_t *)frame.payload.method.decoded;
            if (ack->delivery_tag >= c->published) return 0;
        } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
            fail(error, error_size, "publish", "the broker refused the message (nack)");
            return -1;
        } else if (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD || frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
            fail(error, error_size, "publish", "the broker closed the channel");
            return -1;
        }
    }
}

int amqpb_consume(amqpb_connection *c, const char *queue, int prefetch, int acks, char *error, size_t error_size) {
    if (acks) {
        amqp_basic_qos(c->state, 1, 0, (uint16_t)prefetch, 0);
        if (check(c, "qos", error, error_size)) return -1;
    }
    amqp_basic_consume(c->state, 1, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, acks ? 0 : 1, 0, amqp_empty_table);
    return check(c, "consume", error, error_size);
}

static void copy_bytes(char *out, size_t size, amqp_bytes_t bytes) {
    size_t n = bytes.len < size - 1 ? bytes.len : size - 1;
    if (n) memcpy(out, bytes.bytes, n);
    out[n] = 0;
}

int amqpb_next(amqpb_connection *c, int timeout_millis, amqpb_message *message, char *error, size_t error_size) {
    if (c->has_envelope) {
        amqp_destroy_envelope(&c->envelope);
        c->has_envelope = 0;
    }
    amqp_maybe_release_buffers(c->state);
    struct timeval timeout = { timeout_millis / 1000, (timeout_millis % 1000) * 1000 };
    amqp_rpc_reply_t reply = amqp_consume_message(c->state, &c->envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        c->has_envelope = 1;
        amqp_basic_properties_t *p = &c->envelope.message.properties;
        copy_bytes(c->correlation_id, sizeof c->correlation_id, (p->_flags & AMQP_BASIC_CORRELATION_ID_FLAG) ? p->correlation_id : amqp_empty_bytes);
        copy_bytes(c->message_id, sizeof c->message_id, (p->_flags & AMQP_BASIC_MESSAGE_ID_FLAG) ? p->message_id : amqp_empty_bytes);
        copy_bytes(c->reply_to, sizeof c->reply_to, (p->_flags & AMQP_BASIC_REPLY_TO_FLAG) ? p->reply_to : amqp_empty_bytes);
        copy_bytes(c->routing_key, sizeof c->routing_key, c->envelope.routing_key);
        message->body = c->envelope.message.body.bytes;
        message->length = c->envelope.message.body.len;
        message->correlation_id = c->correlation_id;
        message->message_id = c->message_id;
        message->reply_to = c->reply_to;
        message->routing_key = c->routing_key;
        message->delivery_tag = c->envelope.delivery_tag;
        return 1;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) return 0;
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        // A frame other than a delivery: read it; a close means the connection is over.
        amqp_frame_t frame;
        struct timeval zero = { 0, 0 };
        int status = amqp_simple_wait_frame_noblock(c->state, &frame, &zero);
        if (status == AMQP_STATUS_TIMEOUT) return 0;
        if (status != AMQP_STATUS_OK) {
            fail(error, error_size, "consume", amqp_error_string2(status));
            return -1;
        }
        if (frame.frame_type == AMQP_FRAME_METHOD &&
            (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD || frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
            fail(error, error_size, "consume", "the broker closed the connection");
            return -1;
        }
        return 0;
    }
    char buffer[300];
    const char *why = reply_error(reply, buffer, sizeof buffer);
    fail(error, error_size, "consume", why ? why : "unknown failure");
    return -1;
}

int amqpb_ack(amqpb_connection *c, uint64_t delivery_tag, char *error, size_t error_size) {
    int status = amqp_basic_ack(c->state, 1, delivery_tag, 0);
    if (status == AMQP_STATUS_OK) return 0;
    fail(error, error_size, "ack", amqp_error_string2(status));
    return -1;
}
