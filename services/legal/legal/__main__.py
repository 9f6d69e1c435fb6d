from legal.app import main

main()
