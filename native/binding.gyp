{
  "targets": [
    {
      "target_name": "vigil_net",
      "sources": [
        "vigil_net.cc",
        "errno_error.cc",
        "napi_args.cc",
        "polled_socket.cc",
        "packet_socket.cc",
        "ipv6_raw_socket.cc",
        "network_namespace.cc",
        "process_scheduling.cc",
        "timer_fd.cc"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-exceptions"],
      "conditions": [
        ["OS!='linux'", { "type": "none" }]
      ]
    }
  ]
}
