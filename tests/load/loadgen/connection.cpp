#include "load/loadgen/connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

namespace gadehold::load {

void Connection::start(const tcp::endpoint& server, const asio::ip::address& source, Handlers handlers) {
  handlers_ = std::move(handlers);
  server_ = server;
  auto& socket = ws_.next_layer();
  beast::error_code ec;
  socket.open(server.protocol(), ec);
  if (!ec) {
#ifdef IP_BIND_ADDRESS_NO_PORT
    // Choose the port at connect(): the 4-tuple, not the source address alone, must be
    // unique, so each source address gets the whole ephemeral range.
    int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    socket.bind(tcp::endpoint(source, 0), ec);
  }
  if (ec) {
    // Report asynchronously, like every other failure.
    asio::post(ws_.get_executor(), [self = shared_from_this(), ec] { self->finish(ec); });
    return;
  }
  socket.async_connect(server, [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
}

void Connection::on_connect(beast::error_code ec) {
  if (ec) return finish(ec);
  ws_.next_layer().set_option(tcp::no_delay(true));
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws_.read_message_max(1 << 20);
  ws_.binary(true);
  ws_.async_handshake(server_.address().to_string(), "/v1/ws",
                      [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
}

void Connection::on_handshake(beast::error_code ec) {
  if (ec) return finish(ec);
  open_ = true;
  do_read();
  if (!out_.empty() && !writing_) do_write();
  if (handlers_.open) handlers_.open(*this);
}

void Connection::send(const v1::ClientMessage& msg) {
  if (closed_) return;
  out_.push_back(msg.SerializeAsString());
  if (open_ && !writing_) do_write();
}

void Connection::do_write() {
  writing_ = true;
  ws_.async_write(asio::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    if (ec) return self->finish(ec);
    self->out_.pop_front();
    if (!self->out_.empty() && !self->closed_) self->do_write();
  });
}

void Connection::resume_reading() {
  paused_ = false;
  if (open_ && !closed_ && !reading_) do_read();
}

void Connection::do_read() {
  if (paused_ || closed_) return;
  reading_ = true;
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) return finish(ec);
  const auto data = buffer_.cdata();
  if (incoming_.ParseFromArray(data.data(), static_cast<int>(data.size())) && handlers_.message) {
    handlers_.message(*this, incoming_);
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void Connection::close() {
  if (closed_ || !open_) return finish({});
  ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code ec) { self->finish(ec); });
}

void Connection::finish(beast::error_code ec) {
  if (closed_) return;
  closed_ = true;
  const int code = ws_.reason().code;
  beast::error_code ignored;
  ws_.next_layer().close(ignored);
  if (handlers_.closed) handlers_.closed(*this, ec, code);
}

}  // namespace gadehold::load
