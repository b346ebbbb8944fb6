{
  "targets": [
    {
      "target_name": "kontor_aead",
      "sources": ["aead.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
